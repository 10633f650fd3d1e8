package io.portcullis.route;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The loosest way an upstream outside the servlet world may read a canonical path: without case (Express,
 * ASP.NET, IIS), without the trailing dots and spaces of a name (Windows), and after Unicode NFKC (fullwidth
 * {@code ａ}, {@code ／} and {@code ．} become {@code a}, {@code /} and {@code .}). The route stage refuses a path
 * whose loose reading lands under a more specific route than the one it matched (see {@link RouteTable}).
 * Stateless.
 */
final class LooseReading {

    private LooseReading() {}

    /**
     * The loose reading of a decoded path (or route prefix), empty segments merged; {@code null} when that
     * reading holds what a canonical path never does, a {@code .} or {@code ..} segment or a {@code \ % ;}, which
     * only a compatibility form ({@code ．．}, {@code ＼}, {@code ％}, {@code ；}) can have brought in.
     */
    static String of(String path) {
        String text = isAscii(path) ? path : Normalizer.normalize(path, Normalizer.Form.NFKC);
        if (text.indexOf('\\') >= 0 || text.indexOf('%') >= 0 || text.indexOf(';') >= 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (String segment : text.toLowerCase(Locale.ROOT).split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return null;
            }
            int end = segment.length();
            while (end > 0 && (segment.charAt(end - 1) == '.' || segment.charAt(end - 1) == ' ')) {
                end--;
            }
            if (end > 0) {
                out.append('/').append(segment, 0, end);
            }
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
