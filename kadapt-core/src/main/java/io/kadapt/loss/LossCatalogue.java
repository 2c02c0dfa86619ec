package io.kadapt.loss;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every loss term kadapt can configure, in documentation order. Adding a term is its class, with a {@code TERM}
 * declaring name, tasks, keys and factory, plus one line here; the configuration keys, the README tables (checked by
 * a test) and the names in error messages all derive from this list.
 */
public final class LossCatalogue {
    public static final List<SupervisedTerm> SUPERVISED = List.of(CrossEntropyLoss.TERM, FocalLoss.TERM,
            MultiMarginLoss.TERM, MeanSquaredErrorLoss.TERM);
    public static final List<DomainTerm> DOMAIN = List.of(MmdLoss.TERM, CoralLoss.TERM, DomainAdversarialLoss.TERM,
            ConditionalAdversarialLoss.TERM, InformationMaximizationLoss.TERM, PseudoLabelLoss.TERM,
            ConsistencyLoss.TERM, ContrastiveLoss.TERM);

    static {
        Set<String> seen = new HashSet<>();
        for (TermKey key : keys()) {
            if (!seen.add(key.key())) {
                throw new IllegalStateException("loss key " + key.key() + " is declared twice");
            }
        }
    }

    private LossCatalogue() {
    }

    public static Optional<SupervisedTerm> supervised(String name) {
        return SUPERVISED.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public static Optional<DomainTerm> domain(String name) {
        return DOMAIN.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Every supervised term's keys, then every domain term's, each once. */
    public static List<TermKey> keys() {
        List<TermKey> keys = new ArrayList<>(supervisedKeys());
        keys.addAll(domainKeys());
        return keys;
    }

    public static List<TermKey> supervisedKeys() {
        return SUPERVISED.stream().flatMap(t -> t.keys().stream()).toList();
    }

    public static List<TermKey> domainKeys() {
        return DOMAIN.stream().flatMap(t -> t.keys().stream()).toList();
    }
}
