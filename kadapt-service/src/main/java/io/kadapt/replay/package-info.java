/** Replaying labelled CSV datasets through kadapt's topics and scoring the predictions. */
package io.kadapt.replay;
