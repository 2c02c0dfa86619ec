/** The picocli command line: run, demo, replay, bench. Commands parse options and call the service; no logic of their own. */
package io.kadapt.cli;
