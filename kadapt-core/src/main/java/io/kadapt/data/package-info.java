/**
 * The data types the core and the service share: a {@link io.kadapt.data.Sample} of a {@link io.kadapt.data.Domain},
 * the {@link io.kadapt.data.Prediction} made for it, the model's {@link io.kadapt.data.Task}. Plain records and enums:
 * imports nothing of kadapt and nothing but the JDK.
 */
package io.kadapt.data;
