package io.kadapt.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Floating-point operations of one training step, counted from the layer sizes: forward GEMMs of both batches
 * (the head runs on the target batch too: its logits feed the monitors), times 3 for forward + backward (the
 * backward pass is two GEMMs per layer); plus the MMD kernel matrices (the Gram matrix of the joint batch and the
 * M-kernel products; times 3 when MMD is a loss term, once when it is only the monitor every step computes) and
 * CORAL's covariances. Element-wise work (activations, Adam) is not counted: the limit is GEMM throughput.
 */
final class FlopCount {
    private static final int KERNELS = 5;

    record Count(double flops, String note) {
    }

    private FlopCount() {
    }

    static Count step(int inputs, List<Integer> hidden, int classes, int ns, int nt, String domainTerms) {
        List<Integer> widths = new ArrayList<>();
        widths.add(inputs);
        widths.addAll(hidden);
        widths.add(classes);
        double n = ns + nt;
        double forward = 0;
        for (int i = 0; i + 1 < widths.size(); i++) {
            forward += 2.0 * n * widths.get(i) * widths.get(i + 1);
        }
        double d = hidden.get(hidden.size() - 1);
        double mmdForward = 2.0 * n * n * d + 4.0 * KERNELS * n * n;
        double flops = 3.0 * forward;
        String note = null;
        boolean mmdTerm = false;
        for (String term : domainTerms.split(",")) {
            switch (term.trim()) {
                case "none" -> { }
                case "mmd" -> {
                    flops += 3.0 * mmdForward;
                    mmdTerm = true;
                }
                case "coral" -> flops += 3.0 * 2.0 * n * d * d;
                default -> note = "FLOPs of '" + term + "' beyond the MLP not counted";
            }
        }
        if (!mmdTerm) {
            flops += mmdForward; // the MMD monitor
        }
        return new Count(flops, note);
    }
}
