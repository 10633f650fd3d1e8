package io.portcullis.waf;

import java.util.Optional;

/** The parts of a request a rule can inspect; the names follow ModSecurity's variables where one exists. */
public enum TargetKind {
    /** Query, form, multipart and JSON string values. */
    ARGS,
    /** Query, form and multipart field names and JSON keys. */
    ARGS_NAMES,
    /** The request path, before the container's decoding. */
    PATH,
    /** Header values (structured ones such as {@code Accept} and {@code Authorization} excepted). */
    HEADERS,
    /** Header names. */
    HEADER_NAMES,
    /** Cookie values. */
    COOKIES,
    /** Cookie names. */
    COOKIE_NAMES,
    /** A body inspected as text: XML, {@code text/*}, a malformed JSON body. */
    BODY,
    /** Upload file names (multipart {@code filename}, {@code X-Filename} headers). */
    FILES;

    /** The kind written {@code name} in a rules file, case-insensitive. */
    public static Optional<TargetKind> named(String name) {
        return EnumNames.named(TargetKind.class, name);
    }
}
