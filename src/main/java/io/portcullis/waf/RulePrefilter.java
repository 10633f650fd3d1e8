package io.portcullis.waf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ahocorasick.trie.PayloadTrie;
import org.ahocorasick.trie.handler.PayloadEmitHandler;

/**
 * Decides, from one Aho–Corasick pass over a value, which rules can possibly match it: the literals of
 * every rule's {@link Rule#required()} query go into one automaton, a pass over the (case-folded) value
 * notes which literals occur, and a rule whose query those literals do not satisfy is not run. The regular
 * expressions then only see the few values that contain what they look for. Immutable and thread-safe.
 */
final class RulePrefilter {
    /** A compiled {@link LiteralQuery}: literal ids instead of strings. */
    private interface Check {
        boolean test(long[] hits);
    }

    private final PayloadTrie<int[]> trie;
    /** How many distinct {@link LiteralQuery.AnyOf} sets there are; a scan marks those it satisfies. */
    private final int sets;
    /** Per rule, in the order given; {@code null} for a rule that always runs. */
    private final Check[] checks;
    /**
     * Per rule, the set of its {@link LiteralQuery#strongest} literals, which its query implies: one bit to
     * test before the whole query, enough to turn most rules away from most values.
     */
    private final int[] quick;

    /** @param rules the rules, in the order their indexes refer to */
    RulePrefilter(List<Rule> rules) {
        Map<Set<String>, Integer> setIds = new LinkedHashMap<>();
        this.checks = new Check[rules.size()];
        this.quick = new int[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            LiteralQuery query = rules.get(i).required();
            checks[i] = query instanceof LiteralQuery.All ? null : compile(query, setIds);
            LiteralQuery strongest = query.strongest();
            quick[i] = strongest instanceof LiteralQuery.AnyOf any
                    ? setIds.computeIfAbsent(any.literals(), k -> setIds.size())
                    : -1;
        }
        // each literal carries the sets it belongs to, so a hit marks them directly
        Map<String, List<Integer>> literalSets = new LinkedHashMap<>();
        setIds.forEach((set, id) -> set.forEach(literal ->
                literalSets.computeIfAbsent(literal, k -> new ArrayList<>()).add(id)));
        PayloadTrie.PayloadTrieBuilder<int[]> builder = PayloadTrie.builder();
        literalSets.forEach((literal, ids) -> builder.addKeyword(
                literal, ids.stream().mapToInt(Integer::intValue).toArray()));
        this.trie = builder.build();
        this.sets = setIds.size();
    }

    private static Check compile(LiteralQuery query, Map<Set<String>, Integer> setIds) {
        if (query instanceof LiteralQuery.AnyOf any) {
            int id = setIds.computeIfAbsent(any.literals(), k -> setIds.size());
            return hits -> (hits[id >>> 6] & (1L << id)) != 0;
        }
        List<LiteralQuery> parts =
                query instanceof LiteralQuery.And and ? and.parts() : ((LiteralQuery.Or) query).parts();
        List<Check> compiled = new ArrayList<>();
        parts.forEach(part -> compiled.add(compile(part, setIds)));
        Check[] all = compiled.toArray(new Check[0]);
        if (query instanceof LiteralQuery.And) {
            return hits -> {
                for (Check check : all) {
                    if (!check.test(hits)) {
                        return false;
                    }
                }
                return true;
            };
        }
        return hits -> {
            for (Check check : all) {
                if (check.test(hits)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Which literal sets occur in {@code value}, as a bit set for {@link #admits}. The value is searched
     * {@link LiteralQuery#fold folded}, between the {@link LiteralQuery#BEGIN} and {@link LiteralQuery#END}
     * markers placed around it with its surrounding white space left out, and, when it has such white space,
     * once more as it is.
     */
    long[] scan(String value) {
        long[] hits = new long[(sets + 63) >>> 6];
        if (sets == 0) {
            return hits;
        }
        PayloadEmitHandler<int[]> mark = emit -> {
            for (int id : emit.getPayload()) {
                hits[id >>> 6] |= 1L << id;
            }
            return true;
        };
        String text = LiteralQuery.foldSpaces(value);
        int from = 0;
        int to = text.length();
        while (from < to && LiteralQuery.isSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && LiteralQuery.isSpace(text.charAt(to - 1))) {
            to--;
        }
        trie.parseText(new Marked(text, from, to), mark);
        if (from > 0 || to < text.length()) {
            trie.parseText(new Marked(text, 0, text.length()).unmarked(), mark);
        }
        return hits;
    }

    /** True when the rule at {@code index} can match a value whose {@link #scan} gave {@code hits}. */
    boolean admits(int index, long[] hits) {
        int set = quick[index];
        if (set >= 0 && (hits[set >>> 6] & (1L << set)) == 0) {
            return false;
        }
        return checks[index] == null || checks[index].test(hits);
    }

    /**
     * {@code value[from, to)} seen through {@link LiteralQuery#fold(char)} between the start and end markers,
     * without copying it.
     */
    private record Marked(String value, int from, int to, boolean markers) implements CharSequence {
        Marked(String value, int from, int to) {
            this(value, from, to, true);
        }

        Marked unmarked() {
            return new Marked(value, from, to, false);
        }

        @Override
        public int length() {
            return to - from + (markers ? 2 : 0);
        }

        @Override
        public char charAt(int index) {
            if (!markers) {
                return LiteralQuery.fold(value.charAt(from + index));
            }
            if (index == 0) {
                return LiteralQuery.BEGIN;
            }
            return index == to - from + 1 ? LiteralQuery.END : LiteralQuery.fold(value.charAt(from + index - 1));
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(length());
            for (int i = 0; i < length(); i++) {
                out.append(charAt(i));
            }
            return out.toString();
        }
    }
}
