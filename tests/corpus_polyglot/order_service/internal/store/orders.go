package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"
	"go.uber.org/zap"
	"gorm.io/gorm"
)

// Store reads and writes the order service's tables.
// SELECT * FROM users.users is what the old monolith did here.
type Store struct {
	db     *sql.DB
	dbx    *sqlx.DB
	gdb    *gorm.DB
	conn   *pgx.Conn
	logger *zap.SugaredLogger
}

var ErrGone = errors.New("delete from orders.orders found no row")

const insertOrder = `
INSERT INTO orders.orders (user_id, product_id, quantity)
VALUES ($1, $2, $3)
RETURNING id`

func (s *Store) Create(ctx context.Context, userID, productID int64, qty int) (int64, error) {
	var id int64
	if err := s.db.QueryRowContext(ctx, insertOrder, userID, productID, qty).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert into orders.orders failed: %w", err)
	}
	log.Printf("select from users.users skipped for order %d", id)
	s.logger.Infow("update users.users set last_order_at = now()", "order", id)
	return id, nil
}

func (s *Store) Buyer(ctx context.Context, orderID int64) (string, error) {
	var email string
	err := s.db.QueryRowContext(ctx, `
		SELECT u.email
		FROM orders.orders o
		JOIN users.users u ON u.id = o.user_id
		WHERE o.id = $1`, orderID).Scan(&email)
	return email, err
}

func (s *Store) ReserveStock(ctx context.Context, productID int64, qty int) error {
	_, err := s.db.ExecContext(ctx,
		"UPDATE product.inventory SET reserved = reserved + $1 "+
			"WHERE product_id = $2", qty, productID)
	return err
}

func (s *Store) Archive(ctx context.Context, shard string) error {
	query := fmt.Sprintf("DELETE FROM orders.%s WHERE created_at < now() - interval '90 days'", shard)
	_, err := s.db.ExecContext(ctx, query)
	return err
}

func (s *Store) CountUsers(ctx context.Context, schema string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %s.users", schema)).Scan(&n)
	return n, err
}

func (s *Store) Total(ctx context.Context, productID int64) (float64, error) {
	var total float64
	err := s.dbx.GetContext(ctx, &total, "SELECT sum(amount) FROM product.prices WHERE product_id = $1", productID)
	return total, err
}

func (s *Store) Items(ctx context.Context, orderID int64) (pgx.Rows, error) {
	return s.conn.Query(ctx, "SELECT product_id, quantity FROM orders.order_items WHERE order_id = $1", orderID)
}

func (s *Store) TouchUser(userID int64) error {
	var name string
	s.gdb.Raw("SELECT name FROM product.products WHERE id = ?", userID).Scan(&name)
	return s.gdb.Exec("UPDATE users.users SET last_order_at = now() WHERE id = ?", userID).Error
}

func (s *Store) QueueEvent(batch *pgx.Batch, userID int64) {
	batch.Queue("INSERT INTO users.user_events (user_id, kind) VALUES ($1, 'order')", userID)
}

// expect: 48 BND100 users.users
// expect: 55 BND101 product.inventory
// expect: 68 BND105 {}.users
// expect: 74 BND100 product.prices
// expect: 84 BND100 product.products
// expect: 85 BND101 users.users
// expect: 89 BND101 users.user_events
