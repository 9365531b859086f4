import { orderCount } from "./repo";

describe("select from users.users", () => {
  it("delete from orders.orders is never called", async () => {
    expect(await orderCount(1)).toBe(0);
  });
  test.each([1, 2])("update orders.orders for %i", async (id) => {
    expect(id).toBeGreaterThan(0);
  });
});
