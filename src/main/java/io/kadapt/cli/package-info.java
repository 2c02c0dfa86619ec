/** The picocli command line: run, demo, replay. Commands parse options and call the service; no logic of their own. */
package io.kadapt.cli;
