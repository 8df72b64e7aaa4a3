package io.paybridge.intake;

import io.vertx.core.buffer.Buffer;

/**
 * A request body collected chunk by chunk that stops growing at a limit, so an oversized request
 * costs at most the limit in memory however much the sender pushes.
 */
final class BoundedBody {

    private final long limit;
    private final Buffer buffer;
    private boolean overflowed;

    /**
     * @param declaredLength the Content-Length, when the sender gave one (already checked against
     *                       the limit): sizes the buffer once instead of growing it chunk by chunk
     */
    BoundedBody(long limit, long declaredLength) {
        this.limit = limit;
        this.buffer = declaredLength > 0 ? Buffer.buffer((int) declaredLength) : Buffer.buffer();
    }

    /**
     * @return false once the body has grown past the limit; nothing more is kept after that
     */
    boolean append(Buffer chunk) {
        if (overflowed) {
            return false;
        }
        if (buffer.length() + (long) chunk.length() > limit) {
            overflowed = true;
            return false;
        }
        buffer.appendBuffer(chunk);
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    byte[] bytes() {
        return buffer.getBytes();
    }
}
