import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Runs Amazon's DynamoDB Local listening on 127.0.0.1 only. The jar has no option for the address (see
 * `java -jar DynamoDBLocal.jar -help`): it makes a Jetty `Server(port)`, whose connector binds every
 * interface, and Jetty reads no system property for it. So this launcher builds the server as the jar's
 * own main does — `ServerRunner.createServerFromCommandLineArgs`, the entry point AWS documents for
 * embedding DynamoDB Local — sets the host of its Jetty connectors to 127.0.0.1, then starts it.
 *
 * infra/local/dynamodb.ts compiles it once into node_modules/.cache/pingyi/ with the Java runtime's own
 * compiler (the jdk.compiler module, which every JDK and Debian's JRE have) and runs it with the jar's
 * classpath and the jar's own options. Where it cannot, dynamodb.ts runs the plain jar and says so.
 */
class DynamoDbLoopback {
  /** Printed before exiting with status 3 when this DynamoDB Local cannot be bound to one address this way. */
  private static final String UNSUPPORTED = "pingyi-loopback: unsupported: ";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    int bound = 0;
    // The Jetty server is a private field; found by its type, so a renamed field does not matter.
    for (Field field : DynamoDBProxyServer.class.getDeclaredFields()) {
      if (!Server.class.isAssignableFrom(field.getType())) continue;
      field.setAccessible(true);
      for (Connector connector : ((Server) field.get(proxy)).getConnectors()) {
        if (connector instanceof ServerConnector network) {
          network.setHost("127.0.0.1");
          bound++;
        }
      }
    }
    if (bound == 0) {
      System.err.println(UNSUPPORTED + "no Jetty connector found in this DynamoDB Local");
      System.exit(3);
    }
    proxy.start();
    proxy.join();
  }
}
