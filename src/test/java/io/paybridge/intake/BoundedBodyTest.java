package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

    private static final Random RANDOM = new Random(12);

    @Test
    void keepsABodyOfTheDeclaredLengthInTheArrayItFilled() {
        byte[] body = bytes(3632);
        BoundedBody bounded = new BoundedBody(1 << 20, body.length);

        assertThat(bounded.append(Buffer.buffer(body).slice(0, 1000))).isTrue();
        assertThat(bounded.append(Buffer.buffer(body).slice(1000, body.length))).isTrue();

        assertThat(bounded.bytes()).isEqualTo(body);
        assertThat(bounded.overflowed()).isFalse();
    }

    @Test
    void growsForABodySentWithoutALength() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        BoundedBody bounded = new BoundedBody(1 << 20, -1);

        for (int i = 0; i < 25; i++) {
            byte[] chunk = bytes(1500);
            sent.writeBytes(chunk);
            assertThat(bounded.append(Buffer.buffer(chunk))).isTrue();
        }

        assertThat(bounded.bytes()).isEqualTo(sent.toByteArray());
    }

    @Test
    void keepsWhatArrivedWhenTheDeclaredLengthWasWrong() {
        byte[] longer = bytes(5000);
        BoundedBody understated = new BoundedBody(1 << 20, 100);
        assertThat(understated.append(Buffer.buffer(longer))).isTrue();
        assertThat(understated.bytes()).isEqualTo(longer);

        byte[] shorter = bytes(50);
        BoundedBody overstated = new BoundedBody(1 << 20, 100);
        assertThat(overstated.append(Buffer.buffer(shorter))).isTrue();
        assertThat(overstated.bytes()).isEqualTo(shorter);
    }

    @Test
    void stopsAtTheLimitAndKeepsNothingMore() {
        BoundedBody bounded = new BoundedBody(10_000, -1);

        assertThat(bounded.append(Buffer.buffer(bytes(6000)))).isTrue();
        assertThat(bounded.append(Buffer.buffer(bytes(6000)))).isFalse();
        assertThat(bounded.overflowed()).isTrue();
        assertThat(bounded.append(Buffer.buffer(bytes(1)))).isFalse();
    }

    @Test
    void acceptsABodyOfExactlyTheLimit() {
        byte[] body = bytes(10_000);
        BoundedBody bounded = new BoundedBody(10_000, -1);

        assertThat(bounded.append(Buffer.buffer(body))).isTrue();

        assertThat(bounded.bytes()).isEqualTo(body);
    }

    @Test
    void answersAnEmptyBody() {
        assertThat(new BoundedBody(10_000, 0).bytes()).isEmpty();
        assertThat(new BoundedBody(10_000, -1).bytes()).isEmpty();
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
