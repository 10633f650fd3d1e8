package io.portcullis.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Builds the one registry a gateway records into: Prometheus, with the JVM's memory, garbage collection
 * ({@code jvm_gc_*}), thread, class-loader and CPU meters, the process's open file descriptors
 * ({@code process_files_open_files}, where the JVM reports them) and {@code portcullis_build_info}, a gauge of 1
 * whose {@code version} label names the running build.
 */
public final class GatewayMeters {
    /** The gauge that names the build: {@code portcullis_build_info{version="0.2.0",java="17.0.15"} 1}. */
    public static final String BUILD_INFO = "portcullis.build.info";

    private GatewayMeters() {}

    /** A new registry for the build running here; its owner closes it on shutdown. */
    public static PrometheusMeterRegistry create() {
        return create(BuildInfo.current());
    }

    /** A new registry; closing it also stops the garbage-collection listener it installed. */
    public static PrometheusMeterRegistry create(BuildInfo build) {
        JvmGcMetrics gc = new JvmGcMetrics();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) {
            @Override
            public void close() {
                gc.close();
                super.close();
            }
        };
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder(BUILD_INFO, () -> 1)
                .description("The running Portcullis build; the value is always 1")
                .tag("version", build.version())
                .tag("java", System.getProperty("java.version", BuildInfo.UNKNOWN))
                .register(registry);
        return registry;
    }
}
