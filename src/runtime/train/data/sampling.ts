import { shuffleInPlace } from './folder';

/** 'balanced' class weights: N / (K · n_c), so every class contributes equally to the loss (0 for a class with no images). */
export function balancedClassWeights(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = classCounts(labels, classCount);
  const present = counts.filter((count) => count > 0).length;
  return counts.map((count) => (count === 0 ? 0 : labels.length / (present * count)));
}

export function classCounts(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * The sample order of one epoch: a seeded shuffle of every index. With oversampling, each smaller class is topped up
 * with random repeats of its own samples to the size of the largest class before the shuffle.
 */
export function epochOrder(labels: ArrayLike<number>, classCount: number, random: () => number, oversample = false): Int32Array {
  const order: number[] = Array.from({ length: labels.length }, (_, i) => i);
  if (oversample) {
    const byClass: number[][] = Array.from({ length: classCount }, () => []);
    for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
    const largest = Math.max(...byClass.map((members) => members.length));
    for (const members of byClass) {
      for (let extra = members.length; members.length > 0 && extra < largest; extra++) order.push(members[Math.floor(random() * members.length)]);
    }
  }
  return Int32Array.from(shuffleInPlace(order, random));
}
