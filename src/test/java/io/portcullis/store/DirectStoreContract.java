package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.direct.DirectStore;
import io.portcullis.direct.DirectValue;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link DirectStore} does; subclasses supply the implementation and a way to write a hash. */
abstract class DirectStoreContract {
    private DirectStore store;

    protected abstract DirectStore create();

    /** Writes a hash under {@code key}, as the application would (HSET). */
    protected abstract void writeHash(DirectStore store, String key, Map<String, String> fields);

    @BeforeEach
    void setUp() {
        store = create();
    }

    private DirectValue get(String key) {
        return store.get(key).toCompletableFuture().join();
    }

    @Test
    void getWhenMissingThenAbsent() {
        assertEquals(DirectValue.ABSENT, get("cart:nobody"));
    }

    @Test
    void putThenGetReturnsTheStringAsStored() {
        store.put("cart:alice", "{\"items\":[1, 2]}").toCompletableFuture().join();

        assertEquals(new DirectValue.Text("{\"items\":[1, 2]}"), get("cart:alice"));
        assertEquals(DirectValue.ABSENT, get("cart:bob"));
    }

    @Test
    void getWhenHashThenFieldsInOrder() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("sku", "tea");
        fields.put("qty", "2");
        writeHash(store, "cart:h", fields);

        DirectValue value = get("cart:h");

        assertEquals(new DirectValue.Hash(fields), value);
    }

    @Test
    void putWhenKeyHeldAHashThenReplacedByTheString() {
        writeHash(store, "cart:x", Map.of("a", "1"));

        store.put("cart:x", "\"text\"").toCompletableFuture().join();

        assertEquals(new DirectValue.Text("\"text\""), get("cart:x"));
    }

    @Test
    void deleteWhenPresentThenTrueAndGone() {
        store.put("cart:d", "1").toCompletableFuture().join();

        assertTrue(store.delete("cart:d").toCompletableFuture().join());
        assertFalse(store.delete("cart:d").toCompletableFuture().join());
        assertEquals(DirectValue.ABSENT, get("cart:d"));
    }
}
