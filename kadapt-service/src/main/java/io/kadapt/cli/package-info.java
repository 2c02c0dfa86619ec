/**
 * The picocli command line: run, demo, replay (this module) and bench (added by {@code KadaptToolsCli} in
 * kadapt-tools). Commands parse options and call the service; no logic of their own. Nothing imports this package.
 */
package io.kadapt.cli;
