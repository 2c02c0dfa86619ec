package io.kadapt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PooledStatisticsTest {
    @Test
    @DisplayName("pooling two running statistics equals one running statistic over both streams")
    void pooledEqualsOneStream() {
        Random random = new Random(7);
        RunningStandardizer source = new RunningStandardizer(3).withVarianceFloor(0.5);
        RunningStandardizer target = new RunningStandardizer(3).withVarianceFloor(0.5);
        RunningStandardizer both = new RunningStandardizer(3).withVarianceFloor(0.5);
        for (int n = 0; n < 50; n++) {
            float[] x = {(float) random.nextGaussian(), (float) (3 + 2 * random.nextGaussian()), n % 3};
            source.add(x);
            both.add(x);
        }
        for (int n = 0; n < 20; n++) {
            float[] x = {(float) (5 + random.nextGaussian()), (float) random.nextGaussian(), 1};
            target.add(x);
            both.add(x);
        }
        RunningStandardizer pooled = source.pooledWith(target);
        assertEquals(70, pooled.count());
        assertArrayEquals(both.means(), pooled.means(), 1e-12);
        assertArrayEquals(both.inverseStandardDeviations(), pooled.inverseStandardDeviations(), 1e-12);
        assertEquals(50, source.count(), "the inputs are left alone");
        RunningStandardizer empty = new RunningStandardizer(3);
        assertArrayEquals(source.means(), source.pooledWith(empty).means(), 1e-15);
    }
}
