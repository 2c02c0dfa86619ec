package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A domain term as configuration sees it: the name {@code loss.domain} lists it by, the tasks it means something for,
 * its own keys and how to build it from them. Every domain term also gets {@code loss.<name>.lambda} and
 * {@code loss.<name>.schedule} (underscores as dashes), falling back to {@code loss.lambda} and
 * {@code loss.schedule}. Declared by the loss class ({@code TERM}) and listed in {@link LossCatalogue}.
 */
public record DomainTerm(String name, Set<Task> tasks, List<TermKey> ownKeys, Function<TermSettings, DomainLoss> factory) {
    /** Terms on features: they mean something for every task. */
    public static final Set<Task> ANY_TASK = EnumSet.allOf(Task.class);
    /** Terms on class probabilities or class labels: a one-output regression head has neither. */
    public static final Set<Task> CLASSIFICATION_ONLY = EnumSet.of(Task.CLASSIFICATION);

    public DomainTerm {
        tasks = Set.copyOf(tasks);
        ownKeys = List.copyOf(ownKeys);
    }

    public TermKey lambdaKey() {
        return new TermKey(prefix() + "lambda", "", "λ of the " + name + " term. Empty: loss.lambda.");
    }

    public TermKey scheduleKey() {
        return new TermKey(prefix() + "schedule", "", "λ schedule of the " + name + " term. Empty: loss.schedule.");
    }

    /** λ, schedule, then the term's own keys. */
    public List<TermKey> keys() {
        List<TermKey> keys = new ArrayList<>(List.of(lambdaKey(), scheduleKey()));
        keys.addAll(ownKeys);
        return keys;
    }

    public boolean supports(Task task) {
        return tasks.contains(task);
    }

    public DomainLoss create(TermSettings settings) {
        return factory.apply(settings);
    }

    private String prefix() {
        return "loss." + name.replace('_', '-') + ".";
    }
}
