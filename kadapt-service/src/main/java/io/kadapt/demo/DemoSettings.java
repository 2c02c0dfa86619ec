package io.kadapt.demo;

import io.kadapt.config.ConfigKey;
import java.util.Map;

/** The configuration {@code kadapt demo} starts from (the user's file, environment and --set still win). */
public final class DemoSettings {
    /**
     * The demo's model shape, a small network and a strong MMD term. Per-domain standardisation is off so the
     * transfer loss, not the preprocessing, has to undo the shift (standardising alone removes its translation).
     * Four steps per batch, not the service default of eight: with eight, source-only training on this stream
     * catches up with the adapted model (DemoAdaptationTest measured 0.640 vs 0.638) and the demo shows nothing.
     * Feedback learning off: the demo sends every target's label late, and learning from them would lift source-only
     * and adapted alike; the labels only score, so what the status line shows is what adaptation does.
     */
    public static final Map<String, String> DEFAULTS = Map.of(
            ConfigKey.MODEL_INPUT_DIM.key(), Integer.toString(DomainShiftStream.FEATURES),
            ConfigKey.MODEL_CLASSES.key(), Integer.toString(DomainShiftStream.CLASSES),
            ConfigKey.MODEL_HIDDEN.key(), "32,16",
            ConfigKey.TRAIN_LEARNING_RATE.key(), "0.003",
            ConfigKey.LOSS_LAMBDA.key(), "5.0",
            ConfigKey.TRAIN_STEPS_PER_BATCH.key(), "4",
            ConfigKey.PREPROCESS_STANDARDIZE.key(), "none",
            ConfigKey.FEEDBACK_LEARN.key(), "false");

    /** Rotation of the target domain the demo uses unless told otherwise. */
    public static final double ROTATION_DEGREES = 35;

    private DemoSettings() {
    }
}
