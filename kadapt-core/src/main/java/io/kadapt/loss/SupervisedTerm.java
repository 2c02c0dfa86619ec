package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import java.util.function.Function;

/**
 * A supervised loss as configuration sees it: the name {@code loss.supervised} selects it by, the task it trains,
 * its own keys and how to build it from them. Declared by the loss class ({@code TERM}) and listed in
 * {@link LossCatalogue}.
 */
public record SupervisedTerm(String name, Task task, List<TermKey> keys, Function<TermSettings, SupervisedLoss> factory) {
    public SupervisedTerm {
        keys = List.copyOf(keys);
    }

    public SupervisedLoss create(TermSettings settings) {
        return factory.apply(settings);
    }
}
