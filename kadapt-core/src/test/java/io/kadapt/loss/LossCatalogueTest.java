package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Task;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class LossCatalogueTest {

    /** Every declared key at its default, with overrides; a key nobody declared fails. */
    private static TermSettings defaults(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        LossCatalogue.keys().forEach(k -> values.put(k.key(), k.defaultValue()));
        values.putAll(overrides);
        return new TermSettings() {
            @Override
            public String string(String key) {
                String value = values.get(key);
                if (value == null) {
                    throw new AssertionError("undeclared key " + key);
                }
                return value;
            }

            @Override
            public int featureDim() {
                return 6;
            }

            @Override
            public int classes() {
                return 4;
            }

            @Override
            public double dropout() {
                return 0.0;
            }
        };
    }

    @Test
    @DisplayName("each term builds from its defaults, under its catalogue name, for the tasks the catalogue says")
    void termsAgreeWithTheirDescriptors() {
        for (SupervisedTerm term : LossCatalogue.SUPERVISED) {
            SupervisedLoss loss = term.create(defaults(Map.of()));
            assertEquals(term.name(), loss.name());
            assertEquals(term.task(), loss.task(), term.name());
        }
        for (DomainTerm term : LossCatalogue.DOMAIN) {
            DomainLoss loss = term.create(defaults(Map.of()));
            assertEquals(term.name(), loss.name());
            for (Task task : Task.values()) {
                assertEquals(term.supports(task), loss.supports(task), term.name() + " " + task);
            }
            assertTrue(term.lambdaKey().key().startsWith("loss." + term.name().replace('_', '-') + "."));
        }
    }

    @Test
    @DisplayName("factories name the key of a bad value")
    void badValuesNameTheirKey() {
        Map<String, String> bad = Map.of("loss.label-smoothing", "1", "loss.focal.gamma", "-1", "loss.hinge.margin",
                "0", "loss.mmd.multipliers", "1,x", "loss.dann.hidden", "0", "loss.entropy.diversity", "-0.5",
                "loss.pseudo-label.threshold", "1.5", "loss.contrastive.margin", "inf");
        Map<String, Runnable> builds = Map.of(
                "loss.label-smoothing", () -> CrossEntropyLoss.TERM.create(defaults(bad)),
                "loss.focal.gamma", () -> FocalLoss.TERM.create(defaults(bad)),
                "loss.hinge.margin", () -> MultiMarginLoss.TERM.create(defaults(bad)),
                "loss.mmd.multipliers", () -> MmdLoss.TERM.create(defaults(bad)),
                "loss.dann.hidden", () -> DomainAdversarialLoss.TERM.create(defaults(bad)),
                "loss.entropy.diversity", () -> InformationMaximizationLoss.TERM.create(defaults(bad)),
                "loss.pseudo-label.threshold", () -> PseudoLabelLoss.TERM.create(defaults(bad)),
                "loss.contrastive.margin", () -> ContrastiveLoss.TERM.create(defaults(bad)));
        builds.forEach((key, build) -> {
            String message = assertThrows(IllegalArgumentException.class, build::run).getMessage();
            assertTrue(message.contains(key), key + ": " + message);
        });
    }
}
