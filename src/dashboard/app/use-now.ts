// The current time as component state, ticking on an interval, so ages and countdowns move without new data.
import { useEffect, useState } from 'preact/hooks';

export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
