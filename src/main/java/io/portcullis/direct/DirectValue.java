package io.portcullis.direct;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a direct route's key holds: nothing, a string, a hash, or a type the route does not serve. */
public sealed interface DirectValue {

    /** The key does not exist. */
    record Absent() implements DirectValue {}

    /** A string value. */
    record Text(String value) implements DirectValue {}

    /** A hash, its fields in the order Redis listed them. */
    record Hash(Map<String, String> fields) implements DirectValue {
        public Hash {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * A type a direct route does not serve (list, set, sorted set, stream).
     *
     * @param type the Redis type name
     */
    record Unsupported(String type) implements DirectValue {}

    DirectValue ABSENT = new Absent();
}
