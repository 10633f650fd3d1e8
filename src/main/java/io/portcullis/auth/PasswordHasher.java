package io.portcullis.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing in the PHC string format ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}).
 * Defaults are OWASP's recommendation (19 MiB, 2 iterations, 1 lane). Argon2 takes the whole password,
 * so nothing is silently truncated; the auth service caps passwords at 1024 characters instead.
 * Stored hashes keep their own parameters, so raising the cost later does not break old hashes.
 * Thread-safe.
 *
 * @see <a href="https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html">OWASP
 *     Password Storage Cheat Sheet</a>
 */
public final class PasswordHasher {
    public static final int OWASP_MEMORY_KIB = 19 * 1024;
    public static final int OWASP_ITERATIONS = 2;
    public static final int OWASP_PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,})\\$([A-Za-z0-9+/]{16,})");
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();
    private final String dummyHash;

    public PasswordHasher() {
        this(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM);
    }

    /** Custom cost, for tests; production uses the OWASP defaults. */
    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.dummyHash = hash("not a real password: used to spend the same time for unknown users");
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, memoryKib, iterations, parallelism);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /** Checks a password against a stored hash; a malformed stored hash never matches. */
    public boolean verify(String password, String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        if (m == null || !m.matches()) {
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int time = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        if (memory < 8 || memory > 4 * 1024 * 1024 || time < 1 || lanes < 1) {
            return false;
        }
        byte[] salt = DECODER.decode(m.group(4));
        byte[] expected = DECODER.decode(m.group(5));
        return MessageDigest.isEqual(expected, derive(password, salt, memory, time, lanes));
    }

    /**
     * Spends the time of one verification for a user that does not exist, so a failed login takes about
     * as long whether or not the name is known.
     */
    public void verifyAgainstDummy(String password) {
        verify(password, dummyHash);
    }

    /** True when a stored hash was made with weaker parameters than this hasher's and should be redone. */
    public boolean needsRehash(String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        return m == null
                || !m.matches()
                || Integer.parseInt(m.group(1)) < memoryKib
                || Integer.parseInt(m.group(2)) < iterations;
    }

    private static byte[] derive(String password, byte[] salt, int memory, int time, int lanes) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory)
                .withIterations(time)
                .withParallelism(lanes)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[HASH_BYTES];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
