package io.runcell.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Prints answers as indented JSON. */
final class Output {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Output() {}

    static void print(JsonNode node) {
        try {
            System.out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.out.println(node);
        }
    }
}
