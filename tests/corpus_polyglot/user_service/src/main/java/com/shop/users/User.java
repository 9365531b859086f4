package com.shop.users;

import jakarta.persistence.*;
import java.util.List;

@Entity
@Table(name = "users", schema = "users")
public class User {
    @Id
    private Long id;

    private String email;

    @OneToMany(mappedBy = "user")
    private List<Order> orders;
}
