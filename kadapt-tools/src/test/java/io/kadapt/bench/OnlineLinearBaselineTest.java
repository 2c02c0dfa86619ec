package io.kadapt.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.replay.LabelIndex;
import io.kadapt.replay.LabelledDataset;
import io.kadapt.replay.ReplayOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class OnlineLinearBaselineTest {
    @Test
    @DisplayName("the linear baseline's gradient (cross-entropy + L2) matches central finite differences")
    void gradientMatchesFiniteDifferences() {
        Random random = new Random(3);
        OnlineLinearBaseline model = new OnlineLinearBaseline(5, 3, 4, 1, 1e-3, 0.1);
        double[] w = model.weights();
        for (int k = 0; k < w.length; k++) {
            w[k] = random.nextGaussian();
        }
        float[][] xs = new float[4][5];
        int[] ys = {0, 2, 1, 2};
        for (float[] row : xs) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        double[] analytic = model.gradient(xs, ys);
        double h = 1e-6;
        for (int k = 0; k < w.length; k++) {
            double saved = w[k];
            w[k] = saved + h;
            double up = model.loss(xs, ys);
            w[k] = saved - h;
            double down = model.loss(xs, ys);
            w[k] = saved;
            assertEquals((up - down) / (2 * h), analytic[k], 1e-6, "parameter " + k);
        }
    }

    @Test
    @DisplayName("on two separable Gaussian classes it learns the source and transfers to an unshifted target;"
            + " the same order gives the same numbers")
    void learnsAndIsDeterministic() {
        Random random = new Random(5);
        List<LabelledDataset.Row> source = new ArrayList<>();
        List<LabelledDataset.Row> target = new ArrayList<>();
        for (int n = 0; n < 640; n++) {
            int label = n % 2;
            float[] x = {(float) (random.nextGaussian() + 2 * label), (float) random.nextGaussian()};
            (n < 480 ? source : target).add(new LabelledDataset.Row(label, x));
        }
        LabelIndex labels = LabelIndex.of(new TreeSet<>(List.of(0, 1)));
        ReplayOrder order = ReplayOrder.of(new LabelledDataset("s", source), new LabelledDataset("t", target), labels,
                1, "", false, 0);
        TopologyReplay.Outcome first = OnlineLinearBaseline.standard(2, 2).run(order, List.of(), 1.0);
        TopologyReplay.Outcome second = OnlineLinearBaseline.standard(2, 2).run(order, List.of(), 1.0);
        assertTrue(first.finalAccuracy() > 0.8, "final " + first.finalAccuracy());
        assertEquals(first.finalCorrect(), second.finalCorrect());
        assertArrayEquals(first.prequentialHits(), second.prequentialHits());
        assertEquals(15 * 8, first.modelSteps());
    }

    @Test
    @DisplayName("IM score: log C for confident predictions spread evenly over C classes, 0 for one repeated guess")
    void informationScore() {
        InformationScore spread = new InformationScore();
        spread.add(new float[] {1, 0, 0});
        spread.add(new float[] {0, 1, 0});
        spread.add(new float[] {0, 0, 1});
        assertEquals(Math.log(3), spread.score(), 1e-9);
        InformationScore same = new InformationScore();
        same.add(new float[] {0.2f, 0.8f});
        same.add(new float[] {0.2f, 0.8f});
        assertEquals(0.0, same.score(), 1e-7);
    }

    @Test
    @DisplayName("accuracy curve: trailing-window accuracy at evenly spaced points")
    void curve() {
        boolean[] hits = new boolean[1000];
        for (int i = 500; i < 1000; i++) {
            hits[i] = true;
        }
        double[] curve = AccuracyCurves.curve(hits);
        assertEquals(AccuracyCurves.POINTS, curve.length);
        assertEquals(0.0, curve[AccuracyCurves.POINTS / 2 - 1], 1e-12);
        assertEquals(1.0, curve[AccuracyCurves.POINTS - 1], 1e-12);
        assertTrue(AccuracyCurves.svg("t", java.util.Map.of("a", curve)).contains("<polyline"));
    }
}
