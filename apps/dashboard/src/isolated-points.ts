/**
 * The indices of values with no value on either side: a line through them has no length, so a chart draws them as
 * dots (one poll with errors between polls without requests would be invisible otherwise).
 */
export function isolatedPoints(values: ArrayLike<number | null | undefined>): number[] {
  const isolated: number[] = [];
  const present = (index: number) => index >= 0 && index < values.length && values[index] != null;
  for (let index = 0; index < values.length; index += 1) {
    if (present(index) && !present(index - 1) && !present(index + 1)) isolated.push(index);
  }
  return isolated;
}
