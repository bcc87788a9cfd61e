package arena.gateway;

import arena.shared.events.MatchEvent;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway instances of one JVM share. Each instance reads one share of the partitions of match-state and
 * match-events (those numbered its share modulo the instances), so each match is projected and pushed on one event
 * loop only; a request reaches whichever instance the connection landed on and finds every match in the one
 * projection, and its command's reply in the one map of pending replies, whoever read it.
 */
final class Shares {
  private static final Map<Vertx, Shares> SHARED = new WeakHashMap<>();

  /** Every match, fed by all the shares. */
  final Projection projection;
  /** Commands waiting for their reply, by correlation id: promises of the asking instance's context. */
  final Map<String, Promise<MatchEvent>> replies = new ConcurrentHashMap<>();
  /** How many shares the partitions are cut into: the gateway instances of this JVM. */
  final int count;
  private final BitSet taken = new BitSet();

  private Shares(int count) {
    this.count = count;
    this.projection = Projection.catchingUp(count);
  }

  /** An instance's share: its number and what all shares hold. */
  record Share(int number, Shares shares) {
    Projection projection() {
      return shares.projection;
    }
  }

  /** Takes the first free share of {@code count}; the first instance of a JVM to start sets them up. */
  static Share take(Vertx vertx, int count) {
    synchronized (SHARED) {
      Shares shares = SHARED.computeIfAbsent(vertx, v -> new Shares(count));
      int number = shares.taken.nextClearBit(0);
      if (number >= shares.count) {
        throw new IllegalStateException("more gateway instances than the " + shares.count + " this JVM was set up for");
      }
      shares.taken.set(number);
      return new Share(number, shares);
    }
  }

  /** Gives a share back; once every instance has stopped, the next to start reads match-state anew. */
  static void giveBack(Vertx vertx, Share share) {
    synchronized (SHARED) {
      share.shares().taken.clear(share.number());
      if (share.shares().taken.isEmpty()) {
        SHARED.remove(vertx, share.shares());
      }
    }
  }
}
