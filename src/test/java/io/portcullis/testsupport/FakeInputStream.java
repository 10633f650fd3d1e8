package io.portcullis.testsupport;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;

/** A request body for unit tests: a blocking {@link ServletInputStream} over bytes in memory. */
public final class FakeInputStream extends ServletInputStream {
    private final ByteArrayInputStream in;

    private FakeInputStream(byte[] bytes) {
        this.in = new ByteArrayInputStream(bytes);
    }

    public static FakeInputStream of(byte[] bytes) {
        return new FakeInputStream(bytes);
    }

    @Override
    public int read() {
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return in.read(b, off, len);
    }

    @Override
    public boolean isFinished() {
        return in.available() == 0;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {}
}
