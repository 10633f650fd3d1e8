package io.portcullis.chain;

/**
 * Thrown by {@link Attribute#require} when a stage needs a request attribute an earlier stage sets and that
 * stage has not run: the stages run out of order. The gateway filter answers the request 500 and logs which
 * stage missed which attribute; it is never taken to mean "nothing to check".
 */
public final class MissingAttributeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String attribute;

    public MissingAttributeException(String attribute) {
        super("request attribute " + attribute + " is not set");
        this.attribute = attribute;
    }

    /** The name of the missing attribute. */
    public String attribute() {
        return attribute;
    }
}
