package io.kadapt.training;

import io.kadapt.data.Task;

/**
 * How well recent predictions matched their late feedback labels, over a window of the last labels: accuracy for
 * classification ({@link AccuracyWindow}), absolute and squared errors for regression ({@link ErrorWindow}). A
 * window, not a lifetime average, so the metric shows adaptation as it happens. Measures a task does not define
 * are NaN, as are all of them before the first label.
 */
public interface FeedbackScore {

    /** A fresh score of {@code window} labels for the task. */
    static FeedbackScore forTask(Task task, int window) {
        return switch (task) {
            case CLASSIFICATION -> new AccuracyWindow(window);
            case REGRESSION -> new ErrorWindow(window);
        };
    }

    /** Restores {@link #encode()}'s bytes; if the window size changed, an empty window that keeps the total. */
    static FeedbackScore decode(Task task, byte[] bytes, int window) {
        return switch (task) {
            case CLASSIFICATION -> AccuracyWindow.decode(bytes, window);
            case REGRESSION -> ErrorWindow.decode(bytes, window);
        };
    }

    void record(double predicted, double label);

    /** Labels scored since the start (not only the window). */
    long total();

    double accuracy();

    double meanAbsoluteError();

    double rootMeanSquaredError();

    byte[] encode();
}
