package io.portcullis.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque refresh tokens: {@code prt_<sid>.<secret>}, where {@code sid} names the session (so a rotation
 * touches one store key) and {@code secret} is 256 random bits, both base64url. For users of the container's
 * realm a third part carries the roles granted at login ({@code .<roles>}, base64url of the space-separated
 * names), because the realm cannot be asked again without the password; the store keeps the hash of the whole
 * token, so any change to it makes the token unknown. Stored only as {@link #hash}.
 *
 * <p>Racing refreshes inside {@code refresh-grace} must get the same successor, yet the store keeps only
 * hashes. So the successor travels {@link #seal sealed} with AES-256-GCM under a key derived from the token
 * it replaces: only a holder of that token can {@link #open} it, on any node, without a server secret.
 * Thread-safe.
 */
final class RefreshTokens {
    static final String PREFIX = "prt_";
    /** Longer values are refused as input before any parsing. */
    static final int MAX_LENGTH = 4096;

    private static final int SECRET_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String ID = "[A-Za-z0-9_-]{16,64}";
    private static final Pattern FORMAT = Pattern.compile(
            Pattern.quote(PREFIX) + "(" + ID + ")\\.([A-Za-z0-9_-]{43})(?:\\.([A-Za-z0-9_-]{1,2048}))?");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._:/-]{1,64}");
    private static final byte[] ENVELOPE_CONTEXT =
            "portcullis refresh-token envelope v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    private final SecureRandom random = new SecureRandom();

    /** A parsed refresh token. @param roles the roles it carries (container realm users), else empty */
    record Parsed(String token, String sid, List<String> roles) {
        @Override
        public String toString() {
            return "RefreshToken[sid=" + sid + "]";
        }
    }

    /** A new token for session {@code sid}; {@code carriedRoles} only for container realm users. */
    String create(String sid, List<String> carriedRoles) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        String token = PREFIX + sid + "." + B64.encodeToString(secret);
        if (!carriedRoles.isEmpty()) {
            token += "." + B64.encodeToString(String.join(" ", carriedRoles).getBytes(StandardCharsets.UTF_8));
        }
        return token;
    }

    /** The token's parts, or empty when it is not one of ours (an access token, garbage, a forged role list). */
    static Optional<Parsed> parse(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> roles = List.of();
        if (m.group(3) != null) {
            String names;
            try {
                names = new String(UNB64.decode(m.group(3)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            roles = List.of(names.split(" "));
            if (!roles.stream().allMatch(role -> ROLE.matcher(role).matches())) {
                return Optional.empty();
            }
        }
        return Optional.of(new Parsed(token, m.group(1), roles));
    }

    /** What the store keeps: lower-case hex SHA-256 of the whole token. */
    static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code successor} encrypted so that only a holder of {@code presented} can read it. */
    String seal(String presented, String successor) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, presented, iv);
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /** The successor sealed by {@link #seal} for {@code presented}, or empty when it does not open. */
    static Optional<String> open(String presented, String envelope) {
        try {
            byte[] in = UNB64.decode(envelope);
            if (in.length <= IV_BYTES + TAG_BITS / 8) {
                return Optional.empty();
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, presented, Arrays.copyOf(in, IV_BYTES));
            byte[] plain = cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException | ProviderException e) {
            return Optional.empty();
        }
    }

    private static Cipher cipher(int mode, String presented, byte[] iv) throws GeneralSecurityException {
        // A different digest input from hash(): the stored hash does not give the key away.
        byte[] token = presented.getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(ENVELOPE_CONTEXT, ENVELOPE_CONTEXT.length + token.length);
        System.arraycopy(token, 0, input, ENVELOPE_CONTEXT.length, token.length);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(sha256(input), "AES"), new GCMParameterSpec(TAG_BITS, iv));
        return cipher;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
