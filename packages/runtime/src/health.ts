// Component health, combined as Alloy's component.LeastHealthy: exited is worst, then
// unhealthy, unknown, healthy; ties go to the most recent report.
import type { ComponentHealth, HealthState } from "@ingot/sdk";

const priority: Record<HealthState, number> = { healthy: 0, unknown: 1, unhealthy: 2, exited: 3 };

export function health(state: HealthState, message: string): ComponentHealth {
  return { state, message, updatedAt: new Date() };
}

export function leastHealthy(first: ComponentHealth, ...rest: (ComponentHealth | undefined)[]): ComponentHealth {
  let worst = first;
  for (const h of rest) {
    if (!h) continue;
    const p = priority[h.state];
    const q = priority[worst.state];
    if (p > q || (p === q && h.updatedAt.getTime() > worst.updatedAt.getTime())) worst = h;
  }
  return worst;
}

export const HEALTH_STATES: readonly HealthState[] = ["healthy", "unhealthy", "unknown", "exited"];
