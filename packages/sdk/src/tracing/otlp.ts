// OTLP/HTTP export chosen by the standard variables: OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set, and OTEL_TRACES_EXPORTER not "none". Only then, and
// only when the app registered no tracer provider of its own, the agent registers one exporting
// over OTLP/HTTP (JSON). The OTel SDK packages are optional peers, loaded only here.
import { trace } from "@opentelemetry/api";
import type { Logger } from "pino";

type Env = Record<string, string | undefined>;

export async function startOtlp(env: Env, serviceName: string, logger: Logger): Promise<() => Promise<void>> {
  const none = async () => {};
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if ((!base && !traces) || /^none$/i.test(env.OTEL_TRACES_EXPORTER?.trim() ?? "")) return none;
  const url = traces || `${base?.replace(/\/+$/, "")}/v1/traces`;
  const load = () =>
    Promise.all([
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/resources"),
    ]);
  let mods: Awaited<ReturnType<typeof load>>;
  try {
    mods = await load();
  } catch {
    logger.warn(
      "tracing: OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry SDK is not installed (npm install @opentelemetry/exporter-trace-otlp-http@^0.223 @opentelemetry/sdk-trace-base@^2 @opentelemetry/resources@^2); no OTLP export",
    );
    return none;
  }
  const [{ OTLPTraceExporter }, { BasicTracerProvider, BatchSpanProcessor }, { resourceFromAttributes }] = mods;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME?.trim() || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  // An app that registered its own provider keeps it: our spans go there.
  if (!trace.setGlobalTracerProvider(provider)) {
    await provider.shutdown();
    return none;
  }
  logger.info({ otlp: url }, "tracing: exporting spans over OTLP/HTTP");
  return async () => {
    await provider.shutdown().catch(() => undefined);
    trace.disable();
  };
}
