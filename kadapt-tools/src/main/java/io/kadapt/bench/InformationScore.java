package io.kadapt.bench;

/**
 * The information-maximisation score of a model's predictions on unlabelled samples, H(p̄) − mean_i H(p_i) in nats
 * (p̄ the mean prediction): high when each prediction is confident and the predictions spread over the classes. A
 * label-free model-selection signal (the IM objective of SHOT, Liang et al. 2020; Musgrave et al. 2022 compare such
 * validators).
 */
final class InformationScore {
    private double[] sum;
    private double entropySum;
    private int count;

    void add(float[] probabilities) {
        if (probabilities == null) {
            return;
        }
        if (sum == null) {
            sum = new double[probabilities.length];
        }
        for (int c = 0; c < probabilities.length; c++) {
            sum[c] += probabilities[c];
            entropySum -= probabilities[c] > 0 ? probabilities[c] * Math.log(probabilities[c]) : 0.0;
        }
        count++;
    }

    /** H(p̄) − mean H(p_i); NaN before any prediction. */
    double score() {
        if (count == 0) {
            return Double.NaN;
        }
        double marginal = 0;
        for (double s : sum) {
            double p = s / count;
            marginal -= p > 0 ? p * Math.log(p) : 0.0;
        }
        return marginal - entropySum / count;
    }
}
