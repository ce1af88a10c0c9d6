package io.runcell.store.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON columns (env, metadata, argv) stored as TEXT. */
final class JsonText {

    // buffers from a pool shared by all threads (the default pool is per thread; requests run on virtual threads)
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build());
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private JsonText() {}

    /** Sorted keys, so equal maps store equal text. */
    static String ofMap(Map<String, String> map) {
        return write(new TreeMap<>(map));
    }

    static String ofList(List<String> list) {
        return write(list);
    }

    static Map<String, String> toMap(String text) {
        return read(text, MAP);
    }

    static List<String> toList(String text) {
        return read(text, LIST);
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
