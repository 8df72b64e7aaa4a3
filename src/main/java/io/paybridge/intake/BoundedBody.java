package io.paybridge.intake;

import java.util.Arrays;

import io.vertx.core.buffer.Buffer;

/**
 * A request body collected chunk by chunk that stops growing at a limit, so an oversized request
 * costs at most the limit in memory however much the sender pushes.
 *
 * <p>The chunks are copied straight into one array sized from the Content-Length, and that array is
 * what the signature check, the parser and the insert read: no second copy of every body, which
 * was a tenth of the bytes the intake allocated under load (JFR, allocation by site).
 */
final class BoundedBody {

    /** Room for a body sent without a Content-Length until it shows its size. */
    private static final int INITIAL_CAPACITY = 8 * 1024;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final long limit;
    private byte[] bytes;
    private int length;
    private boolean overflowed;

    /**
     * @param declaredLength the Content-Length, when the sender gave one (already checked against
     *                       the limit): sizes the array once instead of growing it chunk by chunk
     */
    BoundedBody(long limit, long declaredLength) {
        this.limit = limit;
        this.bytes = new byte[(int) (declaredLength >= 0 ? declaredLength : Math.min(limit, INITIAL_CAPACITY))];
    }

    /**
     * @return false once the body has grown past the limit; nothing more is kept after that
     */
    boolean append(Buffer chunk) {
        if (overflowed) {
            return false;
        }
        int size = chunk.length();
        if (length + (long) size > limit) {
            overflowed = true;
            return false;
        }
        if (length + size > bytes.length) {
            // A sender whose Content-Length was short, or absent: grow geometrically, up to the limit.
            long grown = Math.max(bytes.length * 2L, length + (long) size);
            bytes = Arrays.copyOf(bytes, (int) Math.min(Math.min(grown, limit), MAX_ARRAY));
        }
        chunk.getBytes(0, size, bytes, length);
        length += size;
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    /** The body; the array itself when the Content-Length was right, as it is from Stripe. */
    byte[] bytes() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
