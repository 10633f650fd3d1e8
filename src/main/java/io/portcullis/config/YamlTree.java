package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads a YAML document into a Jackson tree with anchors ({@code &limits}), aliases ({@code *limits}) and merge
 * keys ({@code <<: *limits}) resolved, as a configuration that reuses a mapping means. SnakeYAML composes the node
 * graph; each plain scalar is then typed exactly as Jackson's YAML parser types it (so {@code 15s} stays text and
 * {@code 100} a number), quoted scalars are text. Bounded: at most {@value #MAX_ALIASES} aliases, {@value #MAX_DEPTH}
 * levels and {@value #MAX_VALUES} values once aliases are expanded. Not thread-safe; one per parse.
 */
final class YamlTree {
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 64;
    static final int MAX_VALUES = 100_000;
    private static final String MERGE_KEY = "<<";

    private final ObjectMapper scalars;
    private int values;

    /** @param scalars a Jackson YAML mapper: it types each plain scalar */
    YamlTree(ObjectMapper scalars) {
        this.scalars = scalars;
    }

    /**
     * @return the document's tree; a missing node for an empty document
     * @throws YAMLException when the text is not YAML, or expands beyond the bounds
     */
    JsonNode read(InputStream in) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(true);
        options.setAllowRecursiveKeys(false);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
        Node root = yaml.compose(new InputStreamReader(in, StandardCharsets.UTF_8));
        return root == null ? MissingNode.getInstance() : convert(root, 0);
    }

    private JsonNode convert(Node node, int depth) {
        if (depth > MAX_DEPTH) {
            throw new YAMLException("nested more than " + MAX_DEPTH + " levels deep (an alias that contains itself?)");
        }
        if (++values > MAX_VALUES) {
            throw new YAMLException("more than " + MAX_VALUES + " values once aliases are expanded");
        }
        if (node instanceof MappingNode mapping) {
            return mapping(mapping, depth);
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (Node item : sequence.getValue()) {
                array.add(convert(item, depth + 1));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    /** Keys written in the mapping win over merged ones; of several merged mappings, the first wins (YAML 1.1). */
    private ObjectNode mapping(MappingNode mapping, int depth) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        List<Node> merged = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = key(tuple.getKeyNode());
            if (key.equals(MERGE_KEY) && isMerge(tuple.getKeyNode())) {
                Node value = tuple.getValueNode();
                if (value instanceof SequenceNode sources) {
                    merged.addAll(sources.getValue());
                } else {
                    merged.add(value);
                }
                continue;
            }
            object.set(key, convert(tuple.getValueNode(), depth + 1));
        }
        for (Node source : merged) {
            if (!(source instanceof MappingNode)) {
                throw new YAMLException("a merge key (<<) must name a mapping or a list of mappings");
            }
            ObjectNode from = mapping((MappingNode) source, depth + 1);
            from.fields().forEachRemaining(field -> {
                if (!object.has(field.getKey())) {
                    object.set(field.getKey(), field.getValue());
                }
            });
        }
        return object;
    }

    private static boolean isMerge(Node key) {
        return key instanceof ScalarNode scalar
                && (key.getTag().equals(Tag.MERGE) || scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN);
    }

    private static String key(Node key) {
        if (key instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw new YAMLException(
                "a mapping key must be a plain value, not a " + (key instanceof MappingNode ? "mapping" : "list")
                        + " (line " + (key.getStartMark().getLine() + 1) + ")");
    }

    private JsonNode scalar(ScalarNode scalar) {
        if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return TextNode.valueOf(scalar.getValue());
        }
        if (scalar.getValue().isEmpty()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode typed = scalars.readTree(scalar.getValue());
            return typed == null || typed.isMissingNode() || typed.isContainerNode()
                    ? TextNode.valueOf(scalar.getValue())
                    : typed;
        } catch (IOException e) {
            return TextNode.valueOf(scalar.getValue());
        }
    }
}
