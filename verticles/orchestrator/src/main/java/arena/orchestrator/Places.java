package arena.orchestrator;

import java.util.Collection;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A persistent set of places in a list of {@code capacity} entries, kept as a tree of counts over halves of the
 * list: adding or removing one copies a path of the tree, and the n-th place of several sets taken together, in list
 * order, is found going down once, without looking at the others. What pcollections' sorted sets cannot tell without
 * building trees: a robot drawn by chance among thousands must cost a few steps, not a walk over them.
 */
final class Places {
  /** How many places lie in this half; a half with none is null. */
  private record Node(int count, Node low, Node high) {}

  private final int capacity;
  private final Node root;

  private Places(int capacity, Node root) {
    this.capacity = capacity;
    this.root = root;
  }

  static Places none(int capacity) {
    return new Places(capacity, null);
  }

  int size() {
    return root == null ? 0 : root.count;
  }

  boolean contains(int place) {
    Node n = root;
    int low = 0;
    int high = capacity;
    while (n != null && high - low > 1) {
      int mid = (low + high) >>> 1;
      if (place < mid) {
        n = n.low;
        high = mid;
      } else {
        n = n.high;
        low = mid;
      }
    }
    return n != null && place >= low && place < high;
  }

  Places plus(int place) {
    return new Places(capacity, with(root, 0, capacity, place, true));
  }

  Places minus(int place) {
    return new Places(capacity, with(root, 0, capacity, place, false));
  }

  private static Node with(Node n, int low, int high, int place, boolean in) {
    if (high - low == 1) {
      return in ? new Node(1, null, null) : null;
    }
    int mid = (low + high) >>> 1;
    Node lower = n == null ? null : n.low;
    Node higher = n == null ? null : n.high;
    if (place < mid) {
      lower = with(lower, low, mid, place, in);
    } else {
      higher = with(higher, mid, high, place, in);
    }
    int count = count(lower) + count(higher);
    return count == 0 ? null : new Node(count, lower, higher);
  }

  private static int count(Node n) {
    return n == null ? 0 : n.count;
  }

  /** Each place, in order. */
  void forEach(IntConsumer action) {
    forEach(root, 0, capacity, action);
  }

  private static void forEach(Node n, int low, int high, IntConsumer action) {
    if (n == null) {
      return;
    }
    if (high - low == 1) {
      action.accept(low);
      return;
    }
    int mid = (low + high) >>> 1;
    forEach(n.low, low, mid, action);
    forEach(n.high, mid, high, action);
  }

  /**
   * The {@code index}-th place (from 0, in order) of {@code sets} taken together, less {@code out} (places of those
   * sets); the sets are disjoint and of one capacity.
   */
  static int select(List<Places> sets, Collection<Integer> out, int index) {
    Node[] nodes = sets.stream().map(s -> s.root).toArray(Node[]::new);
    int low = 0;
    int high = sets.get(0).capacity;
    while (high - low > 1) {
      int mid = (low + high) >>> 1;
      int lower = 0;
      for (Node n : nodes) {
        lower += n == null ? 0 : count(n.low);
      }
      for (int o : out) {
        lower -= o >= low && o < mid ? 1 : 0;
      }
      boolean down = index < lower;
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = nodes[i] == null ? null : down ? nodes[i].low : nodes[i].high;
      }
      if (down) {
        high = mid;
      } else {
        index -= lower;
        low = mid;
      }
    }
    return low;
  }
}
