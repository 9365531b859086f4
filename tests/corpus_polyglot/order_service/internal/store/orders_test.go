package store

import "testing"

func TestBuyer(t *testing.T) {
	t.Run("select from users.users returns the e-mail", func(t *testing.T) {
		t.Log("delete from orders.orders first")
		t.Errorf("update users.users was called %d times", 2)
	})
}
