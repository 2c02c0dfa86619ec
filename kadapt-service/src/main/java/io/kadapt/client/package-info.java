/** Producer and reader helpers in kadapt's topic formats, for the demo, replay, tests and as examples. */
package io.kadapt.client;
