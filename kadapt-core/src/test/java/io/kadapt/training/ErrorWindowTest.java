package io.kadapt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Task;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ErrorWindowTest {

    @Test
    @DisplayName("MAE and RMSE over the last labels only; NaN before any; accuracy undefined")
    void window() {
        FeedbackScore score = FeedbackScore.forTask(Task.REGRESSION, 2);
        assertTrue(Double.isNaN(score.meanAbsoluteError()) && Double.isNaN(score.rootMeanSquaredError()));
        score.record(1.0, 11.0);  // error −10, soon out of the window
        score.record(2.0, 1.0);   // +1
        score.record(-1.0, 2.0);  // −3
        assertEquals(3, score.total());
        assertEquals(2.0, score.meanAbsoluteError(), 1e-15);
        assertEquals(Math.sqrt(5.0), score.rootMeanSquaredError(), 1e-15);
        assertTrue(Double.isNaN(score.accuracy()));

        FeedbackScore restored = FeedbackScore.decode(Task.REGRESSION, score.encode(), 2);
        assertEquals(score.meanAbsoluteError(), restored.meanAbsoluteError());
        restored.record(0.0, 0.5);
        score.record(0.0, 0.5);
        assertEquals(score.rootMeanSquaredError(), restored.rootMeanSquaredError());

        FeedbackScore resized = FeedbackScore.decode(Task.REGRESSION, score.encode(), 5);
        assertEquals(4, resized.total(), "the all-time count survives a new window size");
        assertTrue(Double.isNaN(resized.meanAbsoluteError()), "the new window starts empty");
        resized.record(4.0, 1.0);
        assertEquals(3.0, resized.meanAbsoluteError(), 1e-15);
    }

    @Test
    @DisplayName("classification scores accuracy, with no error measures")
    void classification() {
        FeedbackScore score = FeedbackScore.forTask(Task.CLASSIFICATION, 4);
        score.record(1, 1);
        score.record(2, 0);
        assertEquals(0.5, score.accuracy());
        assertTrue(Double.isNaN(score.meanAbsoluteError()) && Double.isNaN(score.rootMeanSquaredError()));
    }
}
