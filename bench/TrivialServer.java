import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

/**
 * The load generator's yardstick: an HTTP server that reads each request body and answers 200 with
 * a body like the intake's, doing nothing else. What wrk reaches against it, on the same cores and
 * with the same requests, is the most it could measure of the service. It runs on the Vert.x and
 * Netty the application ships (two event loops, like the service on two cores), so it costs
 * nothing to install and is far faster than a plain JDK HttpServer.
 *
 *   java -cp 'target/quarkus-app/lib/main/*' bench/TrivialServer.java PORT
 */
public class TrivialServer {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Buffer answer = Buffer.buffer("{\"id\":\"evt_00000000000000000000000000\",\"status\":\"accepted\"}");
        for (int i = 0; i < 2; i++) {
            vertx.createHttpServer()
                    .requestHandler(request -> request.body().onSuccess(body -> request.response()
                            .putHeader("Content-Type", "application/json")
                            .end(answer)))
                    .listen(port, "127.0.0.1")
                    .onFailure(failure -> {
                        failure.printStackTrace();
                        System.exit(1);
                    });
        }
        System.out.println("listening on " + port);
    }
}
