package io.portcullis.auth;

/**
 * Password rules: 8–1024 characters (Unicode code points), taken whole: nothing is trimmed, normalised or
 * truncated, so what the user typed is what is hashed. Stateless.
 */
final class Passwords {
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 1024;

    private Passwords() {}

    /** @throws RequestFields.BadInput naming the field when the password breaks the rules */
    static void check(String password) throws RequestFields.BadInput {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new RequestFields.BadInput(
                    "Field 'password' must be " + MIN_LENGTH + "–" + MAX_LENGTH + " characters (was " + length + ").");
        }
    }
}
