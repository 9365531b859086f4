package com.shop.users;

import jakarta.persistence.*;

@Entity
@Table(schema = "users")
public class UserAddress {
    @Id
    private Long id;

    @ManyToOne
    @JoinColumn(name = "user_id")
    private User user;

    @ManyToOne
    @JoinColumn(name = "last_order_id")
    private Order lastOrder;
}

// expect: 17 BND102 orders.orders
