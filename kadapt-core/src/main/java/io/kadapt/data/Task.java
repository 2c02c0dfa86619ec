package io.kadapt.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the model learns to output, chosen by {@code model.task}: class scores (a softmax head over
 * {@code model.classes} logits, integer labels) or one real value (a linear head, numeric labels). It decides which
 * supervised losses fit ({@link SupervisedLoss#task()}) and which domain terms apply ({@link DomainLoss#supports}).
 */
public enum Task {
    CLASSIFICATION,
    REGRESSION;

    /** The name in configuration and messages: {@code classification}, {@code regression}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** IllegalArgumentException listing the known names for anything else. */
    public static Task fromConfigName(String name) {
        return Arrays.stream(values()).filter(t -> t.configName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown task '" + name + "' (known: classification,"
                        + " regression)"));
    }
}
