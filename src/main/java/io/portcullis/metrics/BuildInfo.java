package io.portcullis.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What was built: the project version Maven wrote into {@code io/portcullis/build.properties}. The start-up log
 * line and the {@code portcullis_build_info} gauge report it; the WAR's manifest carries the same version as
 * {@code Implementation-Version}. Immutable.
 *
 * @param version the Maven project version, or {@value #UNKNOWN} when the classes were not built by Maven
 */
public record BuildInfo(String version) {
    /** The version when no build.properties is on the class path (classes compiled outside Maven). */
    public static final String UNKNOWN = "unknown";

    static final String RESOURCE = "/io/portcullis/build.properties";

    /** The build information of these classes. */
    public static BuildInfo current() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new BuildInfo(UNKNOWN);
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            return new BuildInfo(version.isEmpty() || version.startsWith("${") ? UNKNOWN : version);
        } catch (IOException e) {
            return new BuildInfo(UNKNOWN);
        }
    }
}
