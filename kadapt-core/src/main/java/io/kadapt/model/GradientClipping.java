package io.kadapt.model;

/**
 * Global-norm gradient clipping (Pascanu et al. 2013, "On the difficulty of training recurrent neural networks"):
 * all gradients are scaled by one factor so their joint L2 norm is at most the limit, keeping their direction.
 */
final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * The factor to multiply every gradient by: c/‖g‖ when ‖g‖ &gt; c, else 1. A limit of 0 means clipping is off.
     *
     * @param globalNorm finite, non-negative ‖g‖
     */
    static double scale(double globalNorm, double clipNorm) {
        if (clipNorm <= 0.0 || globalNorm <= clipNorm) {
            return 1.0;
        }
        return clipNorm / globalNorm;
    }
}
