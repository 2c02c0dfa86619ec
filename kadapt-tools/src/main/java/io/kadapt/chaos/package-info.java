/**
 * The reliability harness behind {@code kadapt bench chaos} and the chaos tests: runs the broker and kadapt as
 * child processes, kills and restarts them, and proves from the committed output and the model changelog that no
 * sample was lost or applied twice.
 *
 * <ul>
 *   <li>{@link io.kadapt.chaos.ChaosHarness}: broker, seeded input, an uninterrupted reference run, crash loops,
 *       broker bounces and standby takeovers.</li>
 *   <li>{@link io.kadapt.chaos.ChaosVerifier}: the exactly-once checks on what a run committed.</li>
 *   <li>{@link io.kadapt.chaos.ChildJvm}: a Java child process (SIGTERM = {@code destroy}, SIGKILL =
 *       {@code destroyForcibly}).</li>
 *   <li>{@link io.kadapt.chaos.SoakRun}: {@code kadapt bench soak}, steady load with lag, memory and errors sampled;
 *       {@link io.kadapt.chaos.SoakReport} its table and verdict.</li>
 * </ul>
 *
 * <p>May import the client, broker, demo (the stream generator), bench ({@code MachineInfo}), stream (state and serde
 * names), training and model packages; nothing imports it but the CLI and tests. It starts kadapt by its main
 * class's name, as a separate process, so it does not link the {@code cli} package. Lives in kadapt-tools: never in
 * the service jar or image.
 */
package io.kadapt.chaos;
