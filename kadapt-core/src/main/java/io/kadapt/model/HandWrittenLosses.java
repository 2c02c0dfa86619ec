package io.kadapt.model;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.FocalLoss;
import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MultiMarginLoss;
import io.kadapt.loss.SupervisedLoss;

/**
 * The supervised losses of the fast engine: value and ∂ℓ/∂logits of the source rows, written out by hand from the
 * definitions in {@code io.kadapt.loss} (each kernel cites its class) and tested against SameDiff's differentiation of
 * those definitions. Work in double on the engine's softmax ({@link StepBuffers#softmax}).
 */
final class HandWrittenLosses {

    private HandWrittenLosses() {
    }

    /** A supervised loss: writes ∂ℓ/∂logits into the source rows of the logit gradients and returns ℓ. */
    interface Supervised {
        double apply(StepBuffers buffers, HostView labels);
    }

    static boolean covers(SupervisedLoss loss) {
        return loss instanceof CrossEntropyLoss || loss instanceof FocalLoss || loss instanceof MultiMarginLoss
                || loss instanceof MeanSquaredErrorLoss;
    }

    static Supervised of(SupervisedLoss loss) {
        if (loss instanceof CrossEntropyLoss ce) {
            return new CrossEntropy(ce.labelSmoothing(), ce.classWeights());
        }
        if (loss instanceof FocalLoss focal) {
            return new Focal(focal.gamma(), focal.alpha());
        }
        if (loss instanceof MultiMarginLoss hinge) {
            return new Hinge(hinge.margin());
        }
        if (loss instanceof MeanSquaredErrorLoss) {
            return new SquaredError();
        }
        throw new IllegalArgumentException("no hand-written kernel for supervised loss '" + loss.name() + "'");
    }

    /**
     * {@link CrossEntropyLoss}: ℓ_i = (1−ε)·(−Σ_c t_c log p_c) + ε·mean_c(−log p_c), the (weighted) batch mean;
     * ∂ℓ_i/∂z_c = (1−ε)(p_c·Σt − t_c) + ε(p_c − 1/C).
     */
    record CrossEntropy(double smoothing, double[] weights) implements Supervised {
        @Override
        public double apply(StepBuffers b, HostView labels) {
            int classes = b.classes;
            double[] p = b.probabilities;
            double[] logP = b.logProbabilities;
            double[] sampleWeights = b.rowScratch;
            double sum = 0.0;
            double weightSum = 0.0;
            for (int i = 0; i < b.ns; i++) {
                int row = i * classes;
                double trueNll = 0.0;
                double meanNll = 0.0;
                double w = weights == null ? 1.0 : 0.0;
                for (int c = 0; c < classes; c++) {
                    double t = labels.get(row + c);
                    trueNll -= t * logP[row + c];
                    meanNll -= logP[row + c];
                    if (weights != null) {
                        w += t * weights[c];
                    }
                }
                sum += w * ((1.0 - smoothing) * trueNll + smoothing * meanNll / classes);
                weightSum += w;
                sampleWeights[i] = w;
            }
            for (int i = 0; i < b.ns; i++) {
                int row = i * classes;
                double scale = sampleWeights[i] / weightSum;
                double labelSum = 0.0;
                for (int c = 0; c < classes; c++) {
                    labelSum += labels.get(row + c);
                }
                for (int c = 0; c < classes; c++) {
                    double g = (1.0 - smoothing) * (p[row + c] * labelSum - labels.get(row + c))
                            + smoothing * (p[row + c] - 1.0 / classes);
                    b.logitGradView.set(row + c, scale * g);
                }
            }
            return sum / weightSum;
        }
    }

    /**
     * {@link FocalLoss}: f_i = −α_i·(1 − q_i)^γ·s_i with s_i = Σ_c t_c log p_c, q_i = e^{s_i};
     * ∂f/∂s = α(−(1−q)^γ + γ·s·q·(1−q)^{γ−1}), ∂s/∂z_c = t_c − p_c·Σt.
     */
    record Focal(double gamma, double[] alpha) implements Supervised {
        @Override
        public double apply(StepBuffers b, HostView labels) {
            int classes = b.classes;
            double[] p = b.probabilities;
            double[] logP = b.logProbabilities;
            double sum = 0.0;
            for (int i = 0; i < b.ns; i++) {
                int row = i * classes;
                double s = 0.0;
                double a = alpha == null ? 1.0 : 0.0;
                double labelSum = 0.0;
                for (int c = 0; c < classes; c++) {
                    double t = labels.get(row + c);
                    s += t * logP[row + c];
                    labelSum += t;
                    if (alpha != null) {
                        a += t * alpha[c];
                    }
                }
                double q = Math.exp(s);
                double miss = Math.max(1.0 - q, 0.0);
                double focus = gamma == 0.0 ? 1.0 : Math.pow(miss, gamma);
                sum += -s * focus * a;
                double dfds = -focus;
                if (gamma != 0.0 && 1.0 - q > 0.0) {
                    dfds += gamma * s * q * Math.pow(miss, gamma - 1.0);
                }
                dfds *= a / b.ns;
                for (int c = 0; c < classes; c++) {
                    b.logitGradView.set(row + c, dfds * (labels.get(row + c) - p[row + c] * labelSum));
                }
            }
            return sum / b.ns;
        }
    }

    /**
     * {@link MultiMarginLoss}: (1/(n·C))·Σ_i Σ_j (1 − t_j)·max(0, m − s_i + z_j), s_i = Σ_c t_c z_c;
     * ∂/∂z_k = (a_k − t_k·Σ_j a_j)/(n·C) with a_j the indicator of an active margin violation.
     */
    record Hinge(double margin) implements Supervised {
        @Override
        public double apply(StepBuffers b, HostView labels) {
            int classes = b.classes;
            HostView z = b.logitView;
            double scale = 1.0 / ((double) b.ns * classes);
            double sum = 0.0;
            for (int i = 0; i < b.ns; i++) {
                int row = i * classes;
                double trueLogit = 0.0;
                for (int c = 0; c < classes; c++) {
                    trueLogit += labels.get(row + c) * z.get(row + c);
                }
                double active = 0.0;
                for (int j = 0; j < classes; j++) {
                    double violation = z.get(row + j) - trueLogit + margin;
                    double notTrue = 1.0 - labels.get(row + j);
                    if (violation > 0.0) {
                        sum += violation * notTrue;
                        active += notTrue;
                        b.logitGradView.set(row + j, notTrue * scale);
                    }
                }
                for (int k = 0; k < classes; k++) {
                    b.logitGradView.add(row + k, -labels.get(row + k) * active * scale);
                }
            }
            return sum * scale;
        }
    }

    /** {@link MeanSquaredErrorLoss}: (1/(n·k))·Σ (ŷ − y)²; ∂/∂ŷ = 2(ŷ − y)/(n·k). */
    record SquaredError() implements Supervised {
        @Override
        public double apply(StepBuffers b, HostView labels) {
            int length = b.ns * b.classes;
            double sum = 0.0;
            for (int e = 0; e < length; e++) {
                double error = b.logitView.get(e) - labels.get(e);
                sum += error * error;
                b.logitGradView.set(e, 2.0 * error / length);
            }
            return sum / length;
        }
    }
}
