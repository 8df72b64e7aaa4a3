package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class DeliveryLoopCauseChainTest {

    @Test
    void aWrapperIsLoggedWithTheCauseBehindIt() {
        Throwable wrapped = new Error(new InvocationTargetException(new OutOfMemoryError("Java heap space")));

        assertThat(DeliveryLoop.causeChain(wrapped))
                .startsWith("java.lang.Error: java.lang.reflect.InvocationTargetException")
                .endsWith(" <- caused by java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void aFailureWithoutCauseIsLoggedAsItIs() {
        assertThat(DeliveryLoop.causeChain(new SQLException("Connection refused")))
                .isEqualTo("java.sql.SQLException: Connection refused");
    }

    @Test
    void aLoopingCauseChainEnds() {
        Exception first = new Exception("first");
        Exception second = new Exception("second", first);
        first.initCause(second);

        assertThat(DeliveryLoop.causeChain(first)).contains("caused by java.lang.Exception: second");
    }
}
