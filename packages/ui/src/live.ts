import { useEffect, useState } from 'preact/hooks';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to a server-sent-events URL for as long as the component lives; `onMessage` gets each JSON message.
 * EventSource reconnects by itself; the connection state is returned for the page to show.
 */
export function useEventStream<T>(url: string, onMessage: (message: T) => void): Connection {
  const [connection, setConnection] = useState<Connection>('connecting');
  useEffect(() => {
    const source = new EventSource(url);
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection('reconnecting');
    source.onmessage = (event: MessageEvent<string>) => {
      try {
        onMessage(JSON.parse(event.data) as T);
      } catch {
        // a message that is not JSON is ignored
      }
    };
    return () => source.close(); // one stream per URL
  }, [url]);
  return connection;
}
