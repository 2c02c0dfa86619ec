package io.kadapt.training;

/**
 * A runtime change to the online loop, sent by an operator while it runs ({@link OnlineTrainer#apply}). Each takes
 * effect from the next optimiser step; the changed settings are part of the {@link TrainerState}, so they survive a
 * restart and a replay of the same input log gives the same model.
 */
public sealed interface ControlCommand {

    /** The command's name on the wire and in acknowledgements. */
    String name();

    /** λ of one domain term becomes this constant (its configured schedule no longer applies). */
    record SetLambda(String term, double lambda) implements ControlCommand {
        public SetLambda {
            if (term == null || term.isBlank()) {
                throw new IllegalArgumentException("set-lambda needs a term");
            }
            if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("λ must be finite and >= 0, got " + lambda);
            }
        }

        @Override
        public String name() {
            return "set-lambda";
        }
    }

    /** Adam's lr₀ becomes this (a configured learning-rate schedule still scales it). */
    record SetLearningRate(double learningRate) implements ControlCommand {
        public SetLearningRate {
            if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
            }
        }

        @Override
        public String name() {
            return "set-learning-rate";
        }
    }

    /** No optimiser steps until {@link Resume}; samples are still buffered and target samples still predicted. */
    record Pause() implements ControlCommand {
        @Override
        public String name() {
            return "pause";
        }
    }

    /** Optimiser steps again, from the next admitted sample on. */
    record Resume() implements ControlCommand {
        @Override
        public String name() {
            return "resume";
        }
    }

    /** Changes no setting: the caller persists and publishes the model as it is at this point. */
    record Snapshot() implements ControlCommand {
        @Override
        public String name() {
            return "snapshot";
        }
    }
}
